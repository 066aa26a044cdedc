"""OpenID Connect sign-in for citizens (e.g. VNeID): the provider plugin (Authlib, joserfc) and a stand-in
identity provider speaking the same protocol.

Component documentation: docs/components/identity-standin.md.
"""
