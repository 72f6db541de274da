"""Outgoing mail through a real SMTP server (aiosmtpd, started by the test): the outbox,
retries while the server is away, what is kept once a message has gone, the commands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assetmap import clock, mailer
from assetmap.cli import main
from assetmap.config import Config, ConfigError, MailSettings
from assetmap.graph.store import GraphStore
from assetmap.services import mail as outbox
from tests.conftest import MailCatcher


def _stored(store: GraphStore, mail_id: str) -> dict:
    return store.run_read("MATCH (m:Mail {id: $id}) RETURN properties(m) AS m", id=mail_id)[0]["m"]


def test_a_message_reaches_the_server_in_plain_text_and_html(falkor_store: GraphStore,
                                                            smtp: MailCatcher) -> None:
    queued = outbox.queue(falkor_store, "test", "Ann@Example.cymru", "en", {"who": "a <b> & c"})
    done = mailer.deliver(falkor_store, smtp.settings)
    assert (done.sent, done.waiting) == (1, 0)
    [message] = smtp.to("ann@example.cymru")
    assert message["Subject"] == "assetmap: a test message"
    assert message["Content-Language"] == "en"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Sent by a <b> & c." in text  # plain text is not escaped
    assert "Sent by a &lt;b&gt; &amp; c." in html  # HTML is
    kept = _stored(falkor_store, queued["id"])
    assert kept["status"] == "sent" and kept["sent_at"]
    # once gone, the outbox keeps no address and no words
    assert all(kept.get(name) is None for name in ("to", "subject", "text", "html"))


def test_an_unknown_language_writes_welsh_first_then_english(falkor_store: GraphStore,
                                                             smtp: MailCatcher) -> None:
    outbox.queue(falkor_store, "test", "bob@example.cymru", outbox.language_of(None),
                 {"who": "x"})
    mailer.deliver(falkor_store, smtp.settings)
    [message] = smtp.received
    welsh = outbox.render("test", "cy", {"who": "x"})
    english = outbox.render("test", "en", {"who": "x"})
    assert welsh.subject != english.subject, "the Welsh catalogue has this message"
    assert message["Subject"] == f"{welsh.subject} | {english.subject}"
    text = message.get_body(("plain",)).get_content()
    first_lines = [letter.text.splitlines()[0] for letter in (welsh, english)]
    assert 0 <= text.index(first_lines[0]) < text.index(first_lines[1])
    assert message["Content-Language"] == "cy, en"


def test_a_server_that_is_away_loses_nothing(falkor_store: GraphStore,
                                             smtp: MailCatcher) -> None:
    smtp.stop()
    queued = outbox.queue(falkor_store, "test", "cai@example.cymru", "cy", {"who": "x"})
    done = mailer.deliver(falkor_store, smtp.settings)
    assert (done.sent, done.waiting) == (0, 1) and "Connection" in done.error
    waiting = _stored(falkor_store, queued["id"])
    assert waiting["status"] == "pending" and waiting["attempts"] == 1
    assert waiting["to"] == "cai@example.cymru"
    # not due again at once: the next try is a little later
    assert mailer.deliver(falkor_store, smtp.settings).sent == 0
    smtp.start()
    with clock.frozen_at(clock.now() + timedelta(minutes=3)):
        done = mailer.deliver(falkor_store, smtp.settings)
    assert done.sent == 1
    assert len(smtp.to("cai@example.cymru")) == 1
    assert _stored(falkor_store, queued["id"])["status"] == "sent"


def test_a_message_is_given_up_after_three_days_and_wiped(falkor_store: GraphStore,
                                                          smtp: MailCatcher) -> None:
    smtp.stop()
    queued = outbox.queue(falkor_store, "test", "dai@example.cymru", "en", {"who": "x"})
    start = clock.now()
    tries = 0
    for minutes in range(0, 5 * 24 * 60, 30):
        with clock.frozen_at(start + timedelta(minutes=minutes)):
            done = mailer.deliver(falkor_store, smtp.settings)
            tries += done.waiting + done.given_up
            if done.given_up:
                break
    kept = _stored(falkor_store, queued["id"])
    assert kept["status"] == "failed" and kept.get("to") is None and kept.get("text") is None
    assert 5 < tries < 40  # tried often at first, then every few hours, then given up
    with clock.frozen_at(start + timedelta(days=3, hours=1)):
        rows = outbox.status(falkor_store)
    assert [(r["status"], r["count"]) for r in rows] == [("failed", 1)]


def test_two_senders_never_send_one_message_twice(falkor_store: GraphStore) -> None:
    outbox.queue(falkor_store, "test", "eve@example.cymru", "en", {"who": "x"})
    first = outbox.claim_due(falkor_store, 10)
    assert len(first) == 1
    assert outbox.claim_due(falkor_store, 10) == []


def test_a_refused_address_is_given_up_at_once(falkor_store: GraphStore,
                                               smtp: MailCatcher) -> None:
    async def refuse(server, session, envelope, address, options):  # noqa: ANN001, ANN202
        return "550 no such mailbox"

    smtp.handler.handle_RCPT = refuse  # the server refuses every recipient
    smtp.stop()
    smtp.start()
    queued = outbox.queue(falkor_store, "test", "nobody@example.cymru", "en", {"who": "x"})
    done = mailer.deliver(falkor_store, smtp.settings)
    assert done.given_up == 1 and "550" in done.error
    assert _stored(falkor_store, queued["id"])["status"] == "failed"


@pytest.mark.parametrize(("env", "expected"), [
    ({"ASSETMAP_SMTP_URL": "smtp://ann:p%40ss@mail.example.org",
      "ASSETMAP_MAIL_FROM": "a@example.org"},
     ("smtp", "mail.example.org", 587, "ann", "p@ss", "starttls")),
    ({"ASSETMAP_SMTP_URL": "smtps://mail.example.org", "ASSETMAP_MAIL_FROM": "a@example.org"},
     ("smtp", "mail.example.org", 465, "", "", "ssl")),
    ({"ASSETMAP_SMTP_HOST": "relay", "ASSETMAP_SMTP_PORT": "25", "ASSETMAP_SMTP_TLS": "none",
      "ASSETMAP_SMTP_USER": "u", "ASSETMAP_SMTP_PASSWORD": "pw",
      "ASSETMAP_MAIL_FROM": "a@example.org"}, ("smtp", "relay", 25, "u", "pw", "none")),
    ({}, ("", "", 0, "", "", "starttls")),
])
def test_mail_settings(env: dict, expected: tuple) -> None:
    settings = Config.from_env(env).mail
    assert (settings.backend, settings.host, settings.port, settings.username,
            settings.password, settings.security) == expected
    assert "p@ss" not in repr(settings) + str(settings)


@pytest.mark.parametrize(("env", "named"), [
    ({"ASSETMAP_SMTP_URL": "smtp://mail.example.org"}, "ASSETMAP_MAIL_FROM"),
    ({"ASSETMAP_SMTP_URL": "http://mail.example.org", "ASSETMAP_MAIL_FROM": "a@b.org"},
     "ASSETMAP_SMTP_URL"),
    ({"ASSETMAP_SMTP_HOST": "x", "ASSETMAP_SMTP_TLS": "maybe", "ASSETMAP_MAIL_FROM": "a@b.org"},
     "ASSETMAP_SMTP_TLS"),
    ({"ASSETMAP_STALE_AFTER_DAYS": "400"}, "ASSETMAP_STALE_AFTER_DAYS"),
])
def test_bad_mail_settings_are_named(env: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Config.from_env(env)


def test_the_commands(runner, smtp: MailCatcher, config: Config) -> None:  # noqa: ANN001
    assert runner.invoke(main, ["init"]).exit_code == 0
    nowhere = runner.invoke(main, ["mail", "test", "--to", "fay@example.cymru"])
    assert nowhere.exit_code == 1 and "ASSETMAP_SMTP_URL" in nowhere.stderr
    bad = runner.invoke(main, ["mail", "test", "--to", "not an address"], env=smtp.env)
    assert bad.exit_code == 1 and "--to" in bad.stderr, bad.stderr
    sent = runner.invoke(main, ["mail", "test", "--to", "fay@example.cymru"], env=smtp.env)
    assert sent.exit_code == 0, sent.stderr
    assert len(smtp.to("fay@example.cymru")) == 1
    # the server goes away: the message waits, the timer's command says so and fails
    smtp.stop()
    store = GraphStore.open(config)
    try:
        outbox.queue(store, "test", "gwen@example.cymru", "en", {"who": "x"})
    finally:
        store.close()
    away = runner.invoke(main, ["mail", "send-pending"], env=smtp.env)
    assert away.exit_code == 1 and "waiting 1" in away.stdout
    status = runner.invoke(main, ["mail", "status"], env=smtp.env)
    assert "waiting" in status.stdout and "sent" in status.stdout, status.stdout
    unset = runner.invoke(main, ["mail", "send-pending"])
    assert unset.exit_code == 1 and "1 messages wait" in unset.stderr
    smtp.start()
    with clock.frozen_at(clock.now() + timedelta(minutes=3)):
        back = runner.invoke(main, ["mail", "send-pending"], env=smtp.env)
    assert back.exit_code == 0 and "sent 1" in back.stdout, back.stdout
    assert len(smtp.to("gwen@example.cymru")) == 1


def test_a_file_folder_takes_mail_for_a_demo(falkor_store: GraphStore, tmp_path) -> None:  # noqa: ANN001
    settings = MailSettings(backend="file", folder=str(tmp_path / "mail"),
                            sender="assetmap@example.cymru")
    outbox.queue(falkor_store, "test", "huw@example.cymru", "en", {"who": "x"})
    assert mailer.deliver(falkor_store, settings).sent == 1
    [written] = list((tmp_path / "mail").iterdir())
    assert "huw@example.cymru" in written.read_text()
