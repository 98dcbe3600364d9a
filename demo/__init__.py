"""Synthetic advert world with ground truth, served on loopback, for Scout's tests and demos."""

from demo.clock import SimClock
from demo.scale import iter_adverts
from demo.server import DemoServer
from demo.world import World, build_world

__all__ = ["DemoServer", "SimClock", "World", "build_world", "iter_adverts"]
