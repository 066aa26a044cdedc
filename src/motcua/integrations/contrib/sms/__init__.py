"""The SMS channel of the notices to applicants: an HTTP gateway interface, and its stand-in gateway.

Component documentation: docs/components/sms-standin.md (the interface and the stand-in).
"""
