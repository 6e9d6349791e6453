"""kexie — 科协工作平台, the work platform for science and technology associations."""

__version__ = "0.1.0"
