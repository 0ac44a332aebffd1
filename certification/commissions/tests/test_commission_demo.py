"""certification.commissions.demo.load_demo: the demo cohort's E4 and E6 commissions."""

import pytest

from accounts import demo as accounts_demo
from certification.commissions import demo as demo_commissions
from certification.models import Commission, Convocation, MemberRole


@pytest.fixture
def loaded(db):
    accounts_demo.load_demo()
    return demo_commissions.load_demo()


def test_it_creates_the_e4_and_e6_commissions(loaded):
    assert loaded == {"commissions": 2, "membres": 4, "dates": 4}
    e4 = Commission.objects.get(exam__code="E4")
    assert e4.responsible.username == "prof"
    roles = {m.user.username: (m.role, m.carries_responsibility) for m in e4.members.select_related("user")}
    assert roles == {
        "prof": (MemberRole.TEACHER, True),
        "prof2": (MemberRole.TEACHER, True),
        "pro": (MemberRole.PROFESSIONAL, False),
    }
    dates = {(s.situation.code, s.date.isoformat()) for s in e4.situations.get(code="A").steps.all()}
    assert dates == {("A", "2027-05-20")}
    e6 = Commission.objects.get(exam__code="E6")
    assert [m.user.username for m in e6.members.all()] == ["prof2"]
    assert all(step.date.month == 6 for s in e6.situations.all() for step in s.steps.all())


def test_loading_twice_creates_nothing_and_informs_nobody(loaded):
    assert set(demo_commissions.load_demo().values()) == {0}
    assert not Convocation.objects.exists()
