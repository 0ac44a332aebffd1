from django.urls import reverse

from audit.services import log_action


def test_an_admin_reads_and_filters_the_establishment_log(cast, login):
    log_action("students.imported", actor=cast.teacher, obj=cast.cohort, establishment_id=cast.establishment.pk)
    log_action(
        "professional.invited", actor=cast.teacher, obj=cast.professional, establishment_id=cast.establishment.pk
    )
    log_action(
        "students.imported",
        actor=cast.other_teacher,
        obj=cast.other_cohort,
        establishment_id=cast.other_establishment.pk,
    )
    client = login(cast.admin)
    page = client.get(reverse("accounts:audit_log")).content.decode()
    assert "professional.invited" in page
    assert cast.other_cohort.name not in page
    filtered = client.get(reverse("accounts:audit_log"), {"action": "imported"}).content.decode()
    assert "students.imported" in filtered
    assert "professional.invited" not in filtered


def test_the_log_page_runs_a_fixed_number_of_queries(cast, login, django_assert_max_num_queries):
    for n in range(30):
        log_action(f"x.{n}", actor=cast.teacher, establishment_id=cast.establishment.pk)
    client = login(cast.admin)
    with django_assert_max_num_queries(10):
        client.get(reverse("accounts:audit_log"))
