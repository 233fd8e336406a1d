"""`python -m replay`: serve every replay site on 127.0.0.1 until Ctrl-C."""
import sys
import time

from .server import start_replay


def main() -> None:
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    with start_replay(host) as replay:
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
