"""Security controls: the audit trail's verification (:mod:`flankwatch.security.audit`)."""
