"""bulletin: 政务服务通报 rendered from a service center's exported data."""

__version__ = "0.1.0"
