"""Exam sessions 2026–2028 exist after the migrations, with the rules of the session-2025 forms."""

import datetime

import pytest

from referentiel.models import ExamRule, ExamSession
from referentiel.tests.conftest import annex_section


@pytest.mark.django_db
def test_sessions_2026_to_2028_use_the_2025_forms():
    sessions = ExamSession.objects.select_related("version").order_by("year")
    assert [(s.year, s.forms_session, s.version.code) for s in sessions] == [
        (2026, 2025, "ndrc-2018-maj-2025"),
        (2027, 2025, "ndrc-2018-maj-2025"),
        (2028, 2025, "ndrc-2018-maj-2025"),
    ]
    for session in sessions:
        weeks = (session.internship_weeks_expected, session.internship_weeks_minimum)
        assert weeks + (session.continuing_education_weeks,) == (16, 8, 8)


@pytest.mark.django_db
def test_e4_rule_asks_two_fiches_and_has_situations_a_and_b():
    rule = ExamRule.objects.get(session__year=2027, exam__code="E4")
    assert (rule.fiches_required, rule.one_fiche_per_kind, rule.real_lived_minimum) == (2, True, 0)
    assert (rule.fiche_annex, rule.grid_annex, rule.evaluation_annex, rule.nv_annex) == ("V–1", "V–4", "V–5", "V–8")
    assert rule.deposit_deadline == datetime.date(2027, 4, 15)
    situations = [(s.code, s.duration_minutes, s.candidate_present) for s in rule.situations.all()]
    assert situations == [("A", None, False), ("B", 15, True)]
    evaluation_sheet = annex_section("ANNEXE V–5", "ANNEXE V–6")
    assert "Situation B – Durée 15 minutes" in evaluation_sheet
    for situation in rule.situations.all():
        assert situation.title in evaluation_sheet


@pytest.mark.django_db
def test_e6_rule_asks_three_fiches_one_of_them_real_lived():
    rule = ExamRule.objects.get(session__year=2027, exam__code="E6")
    assert (rule.fiches_required, rule.one_fiche_per_kind, rule.real_lived_minimum) == (3, True, 1)
    assert (rule.fiche_annex, rule.grid_annex, rule.evaluation_annex, rule.nv_annex) == (
        "VII–1",
        "VII–2",
        "VII–3",
        "VII–6",
    )
    evaluation_sheet = annex_section("ANNEXE VII–3", "ANNEXE VII–4")
    for situation in rule.situations.all():
        assert situation.duration_minutes == 15
        assert f"Situation {situation.code} : Durée 15 minutes {situation.title}" in evaluation_sheet


@pytest.mark.django_db
def test_no_session_has_rules_for_an_exam_outside_ccf():
    assert not ExamRule.objects.filter(exam__ccf=False).exists()


@pytest.mark.django_db
def test_sessions_carry_the_fiche_sujet_and_reminder_settings():
    session = ExamSession.objects.get(year=2027)
    assert (session.subject_min_changed, session.subject_max_changed_percent) == (2, 70)
    assert session.subject_release_minutes == 30
    assert session.dossier_reminder_days == [14, 3]
