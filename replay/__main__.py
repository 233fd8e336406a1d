"""`python -m replay`: serve every replay site on 127.0.0.1 until Ctrl-C."""
import argparse
import sys
import time

from .server import start_replay


def main(argv: list[str] | None = None) -> None:
    """Serve the replay sites until interrupted; a bad address is one line and exit status 1."""
    parser = argparse.ArgumentParser(prog="python -m replay", description=__doc__)
    parser.add_argument("host", nargs="?", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; keep it on loopback)")
    args = parser.parse_args(argv)
    try:
        replay = start_replay(args.host)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    with replay:
        for name, url in replay.sites.items():
            site = replay.site_objects[name]
            print(f"{name:16} {url}   ({site.cms}; news: {url}{site.listings[0]})", flush=True)
        print("Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
