"""The audit trail: a hash chain that shows tampering, every person access and sign-in
logged with who, what, which record and where from, and the admin viewer."""

from __future__ import annotations

import json
import threading

import pytest

from assetmap.audit import AuditLog, address_hash
from assetmap.graph.store import GraphStore
from tests.conftest import AuthActions


def _lines(log: AuditLog) -> list[str]:
    return log.path.read_text().splitlines()


class TestChain:
    def test_written_private_and_verified(self, tmp_path) -> None:  # noqa: ANN001
        log = AuditLog(tmp_path)
        for n in range(5):
            log.record("view", "u1", record_type="Person", record_id=f"p{n}", address="::1")
        assert log.verify() == (5, None)
        assert oct(log.path.stat().st_mode & 0o777) == "0o600"
        assert oct(log.path.parent.stat().st_mode & 0o777) == "0o700"
        assert [e["record_id"] for e in log.search(actor="u1")] == [f"p{n}" for n in
                                                                   range(4, -1, -1)]

    @pytest.mark.parametrize("tamper,line", [
        (lambda lines: lines.__setitem__(2, lines[2].replace('"p2"', '"p9"')), 3),
        (lambda lines: lines.pop(1), 2),
        (lambda lines: lines.insert(3, lines.pop(1)), 2),
        (lambda lines: lines.__setitem__(4, "not json"), 5),
    ])
    def test_any_change_is_found(self, tmp_path, tamper, line: int) -> None:  # noqa: ANN001
        log = AuditLog(tmp_path)
        for n in range(5):
            log.record("view", "u1", record_id=f"p{n}")
        lines = _lines(log)
        tamper(lines)
        log.path.write_text("\n".join(lines) + "\n")
        count, broken = log.verify()
        assert broken is not None and broken.line == line and count == line - 1

    def test_even_a_rehashed_entry_breaks_the_next_one(self, tmp_path) -> None:  # noqa: ANN001
        from assetmap.audit import _digest
        log = AuditLog(tmp_path)
        for n in range(3):
            log.record("view", "u1", record_id=f"p{n}")
        lines = [json.loads(line) for line in _lines(log)]
        forged = {k: v for k, v in lines[0].items() if k != "hash"}
        forged["record_id"] = "someone-else"
        lines[0] = {**forged, "hash": _digest(forged["prev"], forged)}
        log.path.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in lines))
        assert log.verify()[1].line == 2

    def test_concurrent_writers_keep_one_chain(self, tmp_path) -> None:  # noqa: ANN001
        def write(n: int) -> None:
            log = AuditLog(tmp_path)
            for i in range(25):
                log.record("view", f"u{n}", record_id=f"p{i}")

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert AuditLog(tmp_path).verify() == (100, None)

    def test_unknown_action_is_refused(self, tmp_path) -> None:  # noqa: ANN001
        with pytest.raises(ValueError, match="unknown audit action"):
            AuditLog(tmp_path).record("peek", "u1")


class TestWebTrail:
    @pytest.fixture
    def log(self, app) -> AuditLog:  # noqa: ANN001
        log = AuditLog(app.config["ASSETMAP"].instance_path)
        if log.path.exists():
            log.path.unlink()  # the session's instance folder is shared
        return log

    def test_person_access_and_sign_ins(self, client, sign_in, log: AuditLog,  # noqa: ANN001
                                        sample_store: GraphStore) -> None:
        from assetmap import accounts
        accounts.create_user(sample_store, "who@example.cymru", "connector", "org-carers")
        AuthActions(client).login("who@example.cymru", "wrong password")
        user = sign_in("connector")
        person = sample_store.run_read(
            "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
            "RETURN p.id AS id, p.name AS name LIMIT 1")[0]
        client.get(f"/people/{person['id']}")
        client.get(f"/people/{person['id']}/edit")
        entries = list(log.entries())
        actions = [(e["action"], e["actor"], e["record_id"]) for e in entries]
        typed = address_hash("who@example.cymru",
                             client.application.config["ASSETMAP"].instance_secret("audit_key"))
        assert actions == [
            ("login_failed", typed, None),
            ("login", user["id"], user["id"]),
            ("view", user["id"], person["id"]),
            ("view", user["id"], person["id"]),
        ]
        assert all(e["address"] == "127.0.0.1" for e in entries)
        assert person["name"] not in log.path.read_text(), "no names in the trail"
        assert "who@example" not in log.path.read_text(), "nor addresses typed"
        assert log.verify() == (4, None)

    def test_api_access_is_logged_with_the_token_user(self, client, log: AuditLog,  # noqa: ANN001
                                                      sample_store: GraphStore) -> None:
        from assetmap import accounts
        user, _ = accounts.create_user(sample_store, "api@example.cymru", "connector",
                                       "org-carers")
        _, token = accounts.create_token(sample_store, "api@example.cymru")
        made = client.post("/api/v1/people", headers={"Authorization": f"Bearer {token}"},
                           json={"name": "Megan"}).get_json()
        client.delete(f"/api/v1/people/{made['id']}",
                      headers={"Authorization": f"Bearer {token}"})
        assert [(e["action"], e["actor"]) for e in log.entries()] == [
            ("create", user["id"]), ("delete", user["id"]), ("erase", user["id"])]

    def test_admin_viewer_filters_and_shows_the_chain(self, client, sign_in,  # noqa: ANN001
                                                     log: AuditLog) -> None:
        log.record("view", "someone", record_type="Person", record_id="person-1")
        log.record("view", "someone-else", record_type="Person", record_id="person-2")
        admin = sign_in("admin")
        log.record("update", admin["id"], record_type="Person", record_id="person-2")
        html = client.get("/admin/audit?record_id=person-2").get_data(as_text=True)
        assert "person-2" in html and "person-1" not in html
        assert "entries are intact" in html
        # who by name (the id beside it), what in words
        assert f"<td>{admin['name']}<br><span" in html and "<td>changed</td>" in html
        assert "<td>viewed</td>" in html
        assert "<td>newidiwyd</td>" in client.get(
            "/admin/audit?record_id=person-2&lang=cy").get_data(as_text=True)
        client.get("/?lang=en")  # and back to English
        log.path.write_text(log.path.read_text().replace("person-1", "person-3"))
        assert "The trail is broken at line 1" in client.get("/admin/audit").get_data(
            as_text=True)
        assert client.get("/admin/audit?action=peek").status_code == 400

    def test_a_detail_reads_as_what_it_means_after_its_action(self, client, sign_in,  # noqa: ANN001
                                                             log: AuditLog) -> None:
        """"password" after signing in says how they signed in; after a change, that the
        password changed: never "password changed" for every sign-in."""
        admin = sign_in("admin")
        log.record("login", admin["id"], record_type="User", record_id="user-login",
                   detail="password")
        log.record("update", admin["id"], record_type="User", record_id="user-change",
                   detail="password")
        log.record("view", admin["id"], record_type="Person", record_id="person-9",
                   detail="GET /people/<person_id>/referrals")
        shown = {}
        for record in ("user-login", "user-change", "person-9"):
            html = client.get(f"/admin/audit?record_id={record}").get_data(as_text=True)
            shown[record] = html.split('id="audit-table"')[1].split("</tr>")[1].rsplit(
                "<td>", 1)[1].split("</td>")[0]
        assert shown == {"user-login": "with a password", "user-change": "password changed",
                         "person-9": "web page: referrals"}


def test_cli_verify(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    from pathlib import Path

    from assetmap.cli import main
    log = AuditLog(Path(cli_env["ASSETMAP_INSTANCE"]))
    if log.path.exists():
        log.path.unlink()
    log.record("view", "u1", record_id="p1")
    log.record("view", "u1", record_id="p2")
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and "2 entries, chain intact" in result.output
    shown = runner.invoke(main, ["audit", "show", "--person", "p2"])
    assert json.loads(shown.output)["record_id"] == "p2"
    log.path.write_text(log.path.read_text().replace('"p1"', '"p7"'))
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "line 1 has been changed" in result.output
    log.path.unlink()


def test_cli_access_to_a_person_is_audited(runner, cli_env) -> None:  # noqa: ANN001
    from pathlib import Path

    from assetmap.cli import main
    from assetmap.config import Config
    from seed import sample
    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    sample.load(store)
    person = store.run_read("MATCH (p:Person)-[:KNOWS]->() RETURN p.id AS id LIMIT 1")[0]["id"]
    store.close()
    log = AuditLog(Path(cli_env["ASSETMAP_INSTANCE"]))
    seen = sum(1 for _ in log.entries())
    assert runner.invoke(main, ["person", person, "--no-save"]).exit_code == 0
    assert runner.invoke(main, ["suggest", person]).exit_code == 0
    entries = list(log.entries())[seen:]
    assert [(e["action"], e["record_id"], e["detail"]) for e in entries] == [
        ("view", person, "assetmap person show"), ("view", person, "assetmap suggest")]
    assert all(e["actor"].startswith("cli:") for e in entries)
