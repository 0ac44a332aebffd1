"""inform_students: the responsible informs the cohort (or the ticked students) of a step's date."""

from django.contrib.messages import get_messages
from django.urls import reverse

from certification.models import Convocation, InformationMethod
from notifications.models import OutboxMessage
from tests.factories_certification_commissions import add_member, make_commission, step_of


def url(step):
    return reverse("certification:inform_students", args=[step.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_informs_every_student_and_says_so(cast, login):
    step = step_of(make_commission(cast))

    response = login(cast.teacher).post(url(step), {"scope": "all"})

    assert response.status_code == 302
    assert response.url.endswith(f"#etape-{step.pk}")
    assert Convocation.objects.filter(step=step).count() == 2
    assert OutboxMessage.objects.filter(kind="convocation").count() == 2
    assert _messages(response) == ["2 étudiant·e(s) informé·e(s) par courriel, avec la lettre officielle en PDF."]


def test_it_lists_the_students_who_get_the_printed_letter(cast, login):
    cast.student2.user.email = ""
    cast.student2.user.save(update_fields=["email"])
    step = step_of(make_commission(cast))

    response = login(cast.teacher).post(url(step), {"scope": "all"})

    assert Convocation.objects.get(student=cast.student2).method == InformationMethod.LETTER
    assert any("lettre imprimée" in m and "Lucas ÉTUDIANT" in m for m in _messages(response))


def test_it_informs_only_the_ticked_students(cast, login):
    step = step_of(make_commission(cast))

    login(cast.teacher).post(url(step), {"scope": "selected", "students": [cast.student2.pk]})

    assert list(Convocation.objects.values_list("student", flat=True)) == [cast.student2.pk]


def test_selected_with_nobody_ticked_informs_nobody(cast, login):
    step = step_of(make_commission(cast))

    response = login(cast.teacher).post(url(step), {"scope": "selected"})

    assert not Convocation.objects.exists()
    assert _messages(response) == ["Cochez au moins un·e étudiant·e à informer."]


def test_a_student_of_another_cohort_cannot_be_ticked(cast, login):
    step = step_of(make_commission(cast))

    login(cast.teacher).post(url(step), {"scope": "selected", "students": [cast.other_student.pk]})

    assert not Convocation.objects.exists()


def test_informing_twice_counts_those_already_informed(cast, login):
    step = step_of(make_commission(cast))
    client = login(cast.teacher)
    client.post(url(step), {"scope": "all"})

    response = client.post(url(step), {"scope": "all"})

    assert Convocation.objects.count() == 2
    assert _messages(response)[-1] == "2 étudiant·e(s) déjà informé·e(s) de cette date : inchangé."


def test_a_member_who_does_not_manage_gets_a_403(cast, login):
    commission = make_commission(cast, responsible=cast.teacher2)
    add_member(commission, cast.teacher)

    assert login(cast.teacher).post(url(step_of(commission)), {"scope": "all"}).status_code == 403
    assert not Convocation.objects.exists()
