"""Command line: `python -m demo truth --out FILE` and `python -m demo serve`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from demo.clinic_site import ClinicServer
from demo.clinics import build_clinic_world
from demo.clock import SimClock
from demo.server import DemoServer
from demo.world import build_world


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run one command."""
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    truth = sub.add_parser("truth", help="write the ground truth of a world as JSON")
    truth.add_argument("--out", required=True, type=Path, help="file to write")
    serve = sub.add_parser("serve", help="serve the demo sites on 127.0.0.1 until Ctrl-C")
    serve.add_argument("--classic-port", type=int, default=8801, help="classic site port")
    serve.add_argument("--spa-port", type=int, default=8802, help="SPA site port")
    serve.add_argument("--market-port", type=int, default=8803, help="market site port")
    serve.add_argument(
        "--clinics-port", type=int, default=8805, help="clinic sites' port (both on one)"
    )
    serve.add_argument("--day", type=int, default=0, help="simulated day to start on")
    for p in (truth, serve):
        p.add_argument("--seed", type=int, default=7, help="world seed")
        p.add_argument("--independent", type=int, default=30, help="independent workers")
        p.add_argument("--controllers", type=int, default=6, help="controllers (3-6 personas)")
    args = parser.parse_args(argv)
    world = build_world(args.seed, n_independent=args.independent, n_controllers=args.controllers)
    if args.command == "truth":
        data = world.ground_truth()
        args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {len(data['adverts'])} adverts to {args.out}")
        return 0
    clock = SimClock(world.start, args.day)
    ports = {"classic_port": args.classic_port, "spa_port": args.spa_port}
    clinic_server = ClinicServer(build_clinic_world(), args.day, port=args.clinics_port)
    with (
        DemoServer(world, clock, market_port=args.market_port, **ports) as srv,
        clinic_server as clinics,
    ):
        print(
            f"classic: {srv.classic_url}  spa: {srv.spa_url}  market: {srv.market_url}  "
            f"clinics: {clinics.url}/klinikker/ and /massage/  day {clock.day}",
            flush=True,
        )
        print("set the day: curl -X POST '<url>/__demo/day?value=N'; Ctrl-C stops", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
