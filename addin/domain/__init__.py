"""Pure domain logic: no Excel library, no file I/O. Everything else depends inward on this."""
