"""Readers and writers around the domain: files in, domain records; domain results, files out."""
