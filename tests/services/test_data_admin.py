"""Deleting all history: one transaction, the balance back to zero, tokens gone, config kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from human_pretraining.services.context import App
from human_pretraining.services.data_admin import HISTORY_TABLES
from human_pretraining.store.ledger import ledger_sum
from human_pretraining.store.models import ActivitySpan, Device
from tests.conftest import NOW
from tests.services.test_ingest_and_settle import heartbeats

T = NOW - timedelta(hours=2)


def _fill(app: App) -> str:
    app.ingestor.ingest(heartbeats("code", T, 20))
    app.settler.settle()
    app.economy.complete_task("Read a chapter")
    app.config_file.update_settings(allow_overdraft=True, overdraft_limit=100)
    app.economy.redeem("30 min of phone time")
    code = app.pairing.new_code()
    return app.pairing.pair(code.code, "chrome")


def test_everything_goes_and_the_balance_is_zero(app: App) -> None:
    token = _fill(app)
    assert app.queries.balance() != 0
    config_before = app.config_file.read_text()
    report = app.data_admin.delete_all()
    assert report.total > 0 and report.rows["activity_spans"] > 0
    assert app.queries.balance() == 0
    with app.db.read() as conn:
        assert ledger_sum(conn) == 0
        for model in HISTORY_TABLES:
            assert conn.execute(select(func.count()).select_from(model)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(Device)).scalar() == 1
    assert app.pairing.tokens() == []
    assert app.pairing.authenticate(token) is None
    assert app.queries.badges() and all(b.earned_ms is None for b in app.queries.badges())
    assert app.config_file.read_text() == config_before


def test_tracking_goes_on_after_a_delete(app: App) -> None:
    # The ingestor had an open span cached; a continuing heartbeat must start a new one.
    app.ingestor.ingest(heartbeats("code", T, 5))
    app.data_admin.delete_all()
    app.ingestor.ingest(heartbeats("code", T + timedelta(minutes=5), 10))
    app.settler.settle()
    with app.db.read() as conn:
        spans = conn.execute(select(ActivitySpan.start_ms, ActivitySpan.end_ms)).all()
    assert len(spans) == 1
    assert spans[0].end_ms - spans[0].start_ms == 10 * 60_000
    assert app.queries.balance() > 0
    app.economy.complete_task("Read a chapter")  # the task can be done again
