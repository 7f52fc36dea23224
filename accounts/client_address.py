"""The client's address, as login throttling (django-axes) counts it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """Return the socket's peer address, or the address the outermost trusted proxy saw.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it received the request from
    to TRUSTED_PROXY_HEADER, so the client is that many entries from the end; whatever the
    client wrote there itself lies further left and is ignored. Without a configured proxy,
    or with fewer entries than proxies (the request did not pass them), the header is not read.
    """
    peer = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return peer
    hops = [hop.strip() for hop in request.META.get(settings.TRUSTED_PROXY_HEADER, "").split(",") if hop.strip()]
    if len(hops) < count:
        return peer
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return peer
