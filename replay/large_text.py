"""Invented Vietnamese news text for the large replay: every article different, all of it ours.

An article is drawn from a seeded `random.Random`: a kind (training on administrative reform, which
is relevant, or other Sở Nội vụ news, which is not), then its title, date, people, numbers, units
and paragraphs from the pools below. The pools are sentence patterns with slots, so two articles
share phrasing the way one office's news does, but never names, numbers and order all at once:
page bodies compress honestly (only the site's chrome repeats verbatim).
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

SURNAMES = ("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào Đinh "
            "Lương Trịnh Mai Tạ Cao Hà Lâm Kiều Quách Thái Chu Triệu Tô Văn Khổng La").split()
MIDDLES_M = "Văn Quốc Minh Hữu Đức Xuân Thanh Công Quang Anh Đình Trọng Ngọc Hoàng Tiến Mạnh".split()
MIDDLES_F = "Thị Thu Ngọc Thanh Minh Kim Hồng Phương Thúy Bích Hải Mỹ Diệu Quỳnh".split()
GIVEN_M = ("Hòa Tiến Thắng Dũng Hùng Cường Tuấn Long Nam Sơn Hải Bình Khánh Phúc Quân Trung Vinh "
           "Thành Toàn Lâm Kiên Hiếu Nghĩa Tùng Đạt Huy Chiến Quyết Lợi Thịnh Tâm Bảo Phong").split()
GIVEN_F = ("Hương Lan Hoa Mai Hạnh Nga Thảo Trang Linh Yến Vân Huyền Loan Hằng Nhung Dung Phượng "
           "Thủy Hiền Ngân Oanh Liên Ánh Tuyết Duyên").split()

TITLES_LOCAL = ("Giám đốc Sở Nội vụ", "Phó Giám đốc Sở Nội vụ", "Trưởng phòng Cải cách hành chính",
                "Phó Trưởng phòng Cải cách hành chính", "Chánh Văn phòng Sở Nội vụ",
                "Phó Chủ tịch UBND tỉnh", "Chủ tịch UBND huyện", "Trưởng phòng Nội vụ huyện",
                "Chánh Thanh tra Sở", "Trưởng ban Thi đua - Khen thưởng", "Chi cục trưởng Chi cục Văn thư - Lưu trữ")
TITLES_CENTRAL = ("Phó Vụ trưởng Vụ Cải cách hành chính, Bộ Nội vụ", "Vụ trưởng Vụ Cải cách hành chính, Bộ Nội vụ",
                  "Giảng viên Học viện Hành chính Quốc gia", "Chuyên viên chính Vụ Cải cách hành chính, Bộ Nội vụ",
                  "Phó Cục trưởng Cục Kiểm soát thủ tục hành chính, Văn phòng Chính phủ")
VENUES = ("Hội trường Sở Nội vụ", "Hội trường UBND tỉnh", "Trung tâm Hội nghị tỉnh", "Trường Chính trị tỉnh",
          "Hội trường Trung tâm Phục vụ hành chính công tỉnh", "Hội trường Tỉnh ủy", "Hội trường UBND huyện {district}")
DISTRICTS = ("Bình Xuyên Tam Dương Lập Thạch Sông Lô Yên Lạc Vĩnh Tường Tam Đảo Kim Động Ân Thi Khoái Châu "
             "Văn Lâm Mỹ Hào Tiên Lữ Phù Cừ Cao Lãnh Tháp Mười Lai Vung Châu Thành Hồng Ngự Tân Hồng "
             "Đông Triều Quảng Yên Tiên Yên Bình Liêu Vân Đồn Ba Chẽ Sóc Sơn Đông Anh Gia Lâm Thanh Trì").split()
DISTRICTS = tuple(" ".join(DISTRICTS[i:i + 2]) for i in range(0, len(DISTRICTS) - 1, 2))
TOPICS = ("nghiệp vụ cải cách hành chính", "kỹ năng kiểm soát thủ tục hành chính",
          "dịch vụ công trực tuyến và số hóa hồ sơ thủ tục hành chính", "xác định Chỉ số cải cách hành chính",
          "vận hành Bộ phận một cửa cấp xã", "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
          "đo lường sự hài lòng của người dân (SIPAS)", "xây dựng kế hoạch và báo cáo cải cách hành chính",
          "cải cách hành chính và văn hóa công vụ")
# Trainings a Sở Nội vụ also runs whose subject is not administrative reform: not relevant
# (conventions.md), and the hard negatives of the set.
OTHER_TOPICS = ("ứng dụng hệ thống quản lý chất lượng ISO 9001:2015", "nghiệp vụ công tác văn thư, lưu trữ",
                "kỹ năng soạn thảo văn bản hành chính", "nghiệp vụ công tác thi đua, khen thưởng",
                "quản lý nhà nước về tín ngưỡng, tôn giáo")
EVENTS = ("Lớp bồi dưỡng", "Hội nghị tập huấn", "Lớp tập huấn", "Hội nghị tập huấn trực tuyến")
AUDIENCES = ("công chức, viên chức phụ trách công tác cải cách hành chính của các sở, ban, ngành",
             "công chức Văn phòng - Thống kê các xã, phường, thị trấn",
             "lãnh đạo và chuyên viên Phòng Nội vụ các huyện, thị xã, thành phố",
             "công chức làm việc tại Bộ phận tiếp nhận và trả kết quả cấp huyện, cấp xã",
             "cán bộ, công chức cấp xã trên địa bàn tỉnh")
OTHER_SUBJECTS = (
    ("Kế hoạch thi tuyển công chức", "thi tuyển công chức hành chính"),
    ("Hội nghị tổng kết công tác thi đua, khen thưởng", "thi đua, khen thưởng"),
    ("Kiểm tra công tác văn thư, lưu trữ", "văn thư, lưu trữ"),
    ("Hội nghị triển khai công tác tôn giáo", "tín ngưỡng, tôn giáo"),
    ("Đại hội Chi đoàn Sở Nội vụ", "công tác thanh niên"),
    ("Thông báo tuyển dụng viên chức", "tuyển dụng viên chức sự nghiệp"),
    ("Hội nghị sắp xếp đơn vị hành chính cấp xã", "sắp xếp đơn vị hành chính"),
)

INTRO_TRAINING = (
    "Thực hiện Kế hoạch số {plan}/KH-UBND ngày {plan_date} của UBND tỉnh về cải cách hành chính nhà nước năm {year}, ngày {day} Sở Nội vụ tổ chức {event} {topic} tại {venue}.",
    "Ngày {day}, tại {venue}, Sở Nội vụ tỉnh {province} khai giảng {event} {topic} năm {year}.",
    "Nhằm nâng cao năng lực cho đội ngũ làm công tác cải cách hành chính, trong {span} ngày, từ ngày {day} đến ngày {day_end}, Sở Nội vụ tổ chức {event} {topic}.",
    "Sáng ngày {day}, Sở Nội vụ phối hợp với Văn phòng UBND tỉnh tổ chức {event} {topic} cho {count} học viên.",
)
ATTEND = (
    "Tham dự {event_lower} có {count} học viên là {audience}.",
    "Tới dự và chỉ đạo có {hon} {person1}, {title1}; cùng {count} học viên là {audience}.",
    "Hơn {count} học viên là {audience} đã tham gia {event_lower} tại điểm cầu chính và {points} điểm cầu cấp huyện.",
    "Dự khai mạc có {hon} {person1}, {title1} và {hon2} {person2}, {title2}.",
)
SPEECH = (
    "Phát biểu khai mạc, {hon} {person1}, {title1} nhấn mạnh cải cách hành chính là một trong ba khâu đột phá chiến lược, đề nghị học viên tập trung nghiên cứu, tiếp thu và vận dụng vào thực tiễn tại cơ quan, đơn vị.",
    "{hon_cap} {person1} cho biết năm {prev_year}, Chỉ số cải cách hành chính của tỉnh đạt {score} điểm, xếp thứ {rank}/63 tỉnh, thành phố; song một số tiêu chí thành phần vẫn còn bị trừ điểm.",
    "Theo {hon} {person1}, trong năm {prev_year} toàn tỉnh đã tiếp nhận {dossiers} hồ sơ thủ tục hành chính, trong đó {online_pct}% hồ sơ được nộp trực tuyến và {ontime_pct}% hồ sơ được giải quyết đúng hạn.",
    "{hon_cap} {person1} đề nghị các đơn vị rà soát, cắt giảm ít nhất {cut}% thời gian giải quyết thủ tục hành chính và hoàn thành việc số hóa hồ sơ trước ngày {deadline}.",
)
LECTURE = (
    "Tại {event_lower}, các học viên được {hon2} {person2}, {title2} truyền đạt các chuyên đề: {topic}; kỹ năng tham mưu xây dựng kế hoạch; phương pháp tự đánh giá, chấm điểm và thu thập tài liệu kiểm chứng.",
    "Báo cáo viên {person2}, {title2} đã giới thiệu những điểm mới của Nghị định số {decree}/{decree_year}/NĐ-CP của Chính phủ và hướng dẫn cách thực hiện tại cơ sở.",
    "Chương trình gồm {modules} chuyên đề, trong đó có {practice} buổi thực hành trên Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.",
    "Các học viên đã trao đổi, thảo luận về {problems} khó khăn, vướng mắc khi tiếp nhận hồ sơ trực tuyến, thanh toán phí, lệ phí và trả kết quả qua dịch vụ bưu chính công ích.",
)
CLOSING = (
    "Kết thúc {event_lower}, {passed} học viên được cấp giấy chứng nhận hoàn thành chương trình.",
    "Thông qua {event_lower}, đội ngũ công chức nắm vững hơn nghiệp vụ, góp phần nâng cao Chỉ số cải cách hành chính và Chỉ số SIPAS của tỉnh trong năm {year}.",
    "{event} sẽ được tổ chức thêm {more} đợt tại các huyện trong quý {quarter} năm {year}.",
)
OTHER_PARAS = (
    "UBND tỉnh {province} vừa ban hành Kế hoạch số {plan}/KH-UBND ngày {plan_date} về {other_topic} năm {year}; Sở Nội vụ là cơ quan thường trực, chịu trách nhiệm hướng dẫn, tổ chức thực hiện.",
    "Theo kế hoạch, tỉnh tuyển dụng {quota} chỉ tiêu cho các sở, ban, ngành và UBND {districts} huyện, thị xã, thành phố.",
    "Năm {prev_year}, Sở đã thẩm định {dossiers} hồ sơ, trình UBND tỉnh khen thưởng {awards} tập thể và {awards2} cá nhân có thành tích xuất sắc.",
    "{hon_cap} {person1}, {title1} yêu cầu các đơn vị khẩn trương hoàn thành báo cáo trước ngày {deadline}, gửi về Sở Nội vụ để tổng hợp.",
    "Đoàn kiểm tra đã làm việc tại {units} cơ quan, đơn vị; qua kiểm tra, {good} đơn vị thực hiện tốt, {weak} đơn vị còn tồn tại, hạn chế cần khắc phục.",
    "Thời gian nhận hồ sơ từ ngày {day} đến hết ngày {day_end} tại Sở Nội vụ tỉnh {province}; thí sinh theo dõi thông tin trên Cổng thông tin điện tử của Sở.",
    "Hội nghị đã biểu quyết thông qua chương trình công tác năm {year} với {targets} chỉ tiêu chủ yếu và {tasks} nhiệm vụ trọng tâm.",
    "Tại hội nghị, {hon} {person1}, {title1} đã trao Giấy khen cho {awards} tập thể và {awards2} cá nhân.",
)
SIGNATURES = ("Phòng Cải cách hành chính", "Văn phòng Sở", "Phòng Công chức, viên chức",
              "Ban Thi đua - Khen thưởng", "Chi cục Văn thư - Lưu trữ", "Phòng Xây dựng chính quyền")

EPOCH = datetime(2026, 6, 1, 8, 30)


def person(rng: random.Random) -> tuple[str, str, str]:
    """(full name, honorific, honorific capitalised) of an invented person."""
    female = rng.random() < 0.4
    name = " ".join((rng.choice(SURNAMES), rng.choice(MIDDLES_F if female else MIDDLES_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)))
    hon = rng.choice(("bà", "đồng chí")) if female else rng.choice(("ông", "đồng chí"))
    return name, hon, hon[0].upper() + hon[1:]


def article_date(index_from_newest: int, rng: random.Random) -> datetime:
    """Publication time: eight articles a day going back from EPOCH (40k per site reach 2012), in order."""
    return EPOCH - timedelta(minutes=3 * 60 * index_from_newest + rng.randrange(0, 150))


def compose(rng: random.Random, province: str, published: datetime, relevant: bool) -> dict:
    """One article: {"title", "paragraphs", "signature", "sapo"} in invented, varied Vietnamese."""
    event_day = published - timedelta(days=rng.randrange(0, 4))
    year = event_day.year
    (p1, hon, hon_cap), (p2, hon2, _) = person(rng), person(rng)
    slots = {
        "province": province, "year": year, "prev_year": year - 1,
        "day": f"{event_day.day}/{event_day.month}/{year}",
        "day_end": f"{(event_day + timedelta(days=2)).day}/{(event_day + timedelta(days=2)).month}/{year}",
        "span": rng.choice((2, 3)), "plan": rng.randrange(12, 360),
        "plan_date": f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/{year - 1}",
        "event": rng.choice(EVENTS), "topic": rng.choice(TOPICS), "audience": rng.choice(AUDIENCES),
        "venue": rng.choice(VENUES).format(district=rng.choice(DISTRICTS)),
        "count": rng.randrange(40, 900), "points": rng.randrange(5, 15),
        "person1": p1, "hon": hon, "hon_cap": hon_cap, "title1": rng.choice(TITLES_LOCAL),
        "person2": p2, "hon2": hon2, "title2": rng.choice(TITLES_CENTRAL),
        "score": f"{rng.randrange(78, 92)},{rng.randrange(10, 99)}", "rank": rng.randrange(1, 63),
        "dossiers": f"{rng.randrange(12, 950)}.{rng.randrange(100, 999)}",
        "online_pct": f"{rng.randrange(40, 99)},{rng.randrange(1, 99)}", "ontime_pct": f"{rng.randrange(90, 99)},{rng.randrange(1, 99)}",
        "cut": rng.choice((20, 30, 50)), "deadline": f"{rng.randrange(1, 29)}/{rng.randrange(1, 13)}/{year}",
        "decree": rng.randrange(10, 199), "decree_year": rng.choice((2021, 2022, 2023, 2024, 2025)),
        "modules": rng.randrange(3, 9), "practice": rng.randrange(1, 4), "problems": rng.randrange(5, 30),
        "passed": rng.randrange(40, 400), "more": rng.randrange(2, 6), "quarter": rng.choice(("II", "III", "IV")),
        "quota": rng.randrange(20, 160), "districts": rng.randrange(7, 13), "awards": rng.randrange(5, 60),
        "awards2": rng.randrange(10, 120), "units": rng.randrange(6, 30), "good": rng.randrange(3, 20),
        "weak": rng.randrange(1, 6), "targets": rng.randrange(8, 20), "tasks": rng.randrange(5, 12),
    }
    other_training = not relevant and rng.random() < 0.15
    if other_training:
        slots["topic"] = rng.choice(OTHER_TOPICS)
    if relevant or other_training:
        slots["event_lower"] = slots["event"].lower().replace(" trực tuyến", "")
        title = f"{slots['event']} {slots['topic']} năm {year}"
        if rng.random() < 0.5:
            title = f"Sở Nội vụ tỉnh {province} tổ chức {title[0].lower()}{title[1:]}"
    if relevant:
        paras = [rng.choice(INTRO_TRAINING), rng.choice(ATTEND)]
        paras += rng.sample(SPEECH, rng.randrange(1, 4)) + rng.sample(LECTURE, rng.randrange(1, 4))
        paras += rng.sample(CLOSING, rng.randrange(1, 3))
    elif other_training:  # no sentence ties it to administrative reform
        slots["audience"] = "công chức, viên chức các sở, ban, ngành và UBND cấp huyện"
        paras = [rng.choice((INTRO_TRAINING[1], INTRO_TRAINING[3])), rng.choice(ATTEND)]
        paras += rng.sample(LECTURE[:2], rng.randrange(1, 3)) + [rng.choice((CLOSING[0], CLOSING[2]))]
    else:
        subject, slots["other_topic"] = rng.choice(OTHER_SUBJECTS)
        title = f"{subject} năm {year}" + (f" tại huyện {rng.choice(DISTRICTS)}" if rng.random() < 0.3 else "")
        paras = rng.sample(OTHER_PARAS, rng.randrange(3, 7))
    paragraphs = [p.format(**slots) for p in paras]
    return {"title": title, "paragraphs": paragraphs, "signature": f"{rng.choice(SIGNATURES)}",
            "author": person(rng)[0] if rng.random() < 0.6 else None}
