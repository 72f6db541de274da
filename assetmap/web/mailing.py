"""Mail from a request: the links an e-mail carries, and sending what a request queued."""

from __future__ import annotations

from flask import current_app

from assetmap import mailer
from assetmap.services.mail import Links
from assetmap.web.db import get_store


def links() -> Links:
    """The site's address (``ASSETMAP_BASE_URL``, never the request's ``Host``: a link
    built from it could send a claim's token elsewhere) and the key links are signed with."""
    config = current_app.config["ASSETMAP"]
    return Links(config.base_url, config.load_secret_key())


def send(message: dict) -> None:
    """Hand a just-queued message to the mail server beside this request (in tests, before
    the response); if the server is away it waits in the outbox for ``assetmap mail
    send-pending``."""
    config = current_app.config["ASSETMAP"]
    mailer.deliver_soon(get_store(), config.mail, message["id"], wait=config.testing)
