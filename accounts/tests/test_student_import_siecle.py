"""Importing a class from SIECLE's « ElevesSansAdresses » XML export, through HTTP (issue 14)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import siecle
from accounts.imports import ImportFileError
from accounts.models import Route, StagedImport, Student, StudentRecord, User
from accounts.tests.import_helpers import confirm_form, preview_url, upload
from accounts.tests.siecle_files import Eleve, first_file, siecle_xml
from audit.models import AuditEntry
from passeport.models import Activity
from tests.factories import make_activity
from tests.personas import make_student


def xml_file(eleves: list[Eleve], name: str = "ElevesSansAdresses.xml", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, siecle_xml(eleves, **kwargs), content_type="text/xml")


def choose(client, response, *divisions: str):
    """Tick ``divisions`` on the preview page and follow back to it."""
    return client.post(preview_url(response), {"divisions": list(divisions)}, follow=True)


def imported(cohort) -> dict[str, Student]:
    students = Student.objects.filter(cohort=cohort, record__isnull=False).select_related("user", "record")
    return {s.record.ine: s for s in students}


# --- Reading the file ---------------------------------------------------------------------------


def test_the_file_is_read_in_iso_8859_15_with_accents_and_the_oe_ligature():
    data = siecle_xml(first_file())
    assert b"C\xbcUR" in data  # « Œ » is 0xBC in ISO-8859-15 (it does not exist in ISO-8859-1)
    parsed = siecle.parse_siecle("eleves.xml", data)
    assert parsed.uaj == "0690001A"
    maelys = parsed.students[0]
    assert (maelys.family_name, maelys.usage_name, maelys.last_name, maelys.first_name) == (
        "CŒURDEROY",
        "CŒUR",
        "CŒUR",
        "Maëlys",
    )
    assert parsed.students[1].divisions == ["BTS2NDRC"]  # the group ANG-G1 is no division
    assert parsed.students[3].left_on == "2025-09-15"
    assert parsed.divisions() == {"BTS1NDRC": 1, "BTS2NDRC": 4, "BTS2NDRC-B": 1}


def test_an_entity_expansion_bomb_is_refused_without_being_expanded():
    bomb = (
        b'<?xml version="1.0" encoding="ISO-8859-15"?>\n<!DOCTYPE BEE_ELEVES [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<BEE_ELEVES><PARAMETRES><UAJ>0690001A</UAJ></PARAMETRES><DONNEES><ELEVES>"
        b'<ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>&c;</NOM_DE_FAMILLE><PRENOM>X</PRENOM></ELEVE>'
        b"</ELEVES></DONNEES></BEE_ELEVES>"
    )
    with pytest.raises(ImportFileError, match="refusé par sécurité"):
        siecle.parse_siecle("bombe.xml", bomb)


def test_an_external_entity_is_refused_and_never_read():
    xxe = (
        b'<?xml version="1.0"?>\n<!DOCTYPE BEE_ELEVES [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b"<BEE_ELEVES><PARAMETRES><UAJ>0690001A</UAJ></PARAMETRES><DONNEES><ELEVES>"
        b'<ELEVE ELEVE_ID="1"><NOM_DE_FAMILLE>&secret;</NOM_DE_FAMILLE><PRENOM>X</PRENOM></ELEVE>'
        b"</ELEVES></DONNEES></BEE_ELEVES>"
    )
    with pytest.raises(ImportFileError, match="refusé par sécurité"):
        siecle.parse_siecle("xxe.xml", xxe)


def test_a_truncated_file_is_refused_in_french():
    data = siecle_xml(first_file())
    with pytest.raises(ImportFileError, match="n'est pas un XML lisible"):
        siecle.parse_siecle("eleves.xml", data[: len(data) // 2])


# --- Uploading and choosing the divisions -------------------------------------------------------


def test_a_siecle_file_is_recognised_from_its_content_and_offers_its_divisions(cast, login):
    response = upload(login(cast.teacher), cast.cohort, xml_file(first_file(), name="export.txt"))
    html = response.content.decode()
    assert "export SIECLE des élèves, établissement 0690001A" in html
    assert "BTS2NDRC (4 élèves)" in html
    assert "BTS2NDRC-B (1 élève)" in html
    assert "Choisissez la ou les divisions SIECLE qui forment la classe" in html
    assert "/confirmer/" not in html
    assert StagedImport.objects.get().kind == "siecle"


def test_a_class_made_of_one_division_is_created_without_email_with_ine_and_usage_names(cast, login):
    client = login(cast.teacher)
    users_before = User.objects.count()
    response = choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")
    html = response.content.decode()
    assert "<dt>À créer</dt><dd>3</dd>" in html
    assert "Jérôme DURAND : sorti·e le 15/09/2025" in html  # skipped, listed
    assert "CŒUR" in html and "(né·e CŒURDEROY)" in html
    response = client.post(*confirm_form(response), follow=True)
    assert "3 étudiants créés, 0 mis à jour, 0 inchangé." in response.content.decode()

    students = imported(cast.cohort)
    assert set(students) == {"070123456AB", "070123457AC", "070123458AD"}
    maelys = students["070123456AB"]
    assert (maelys.user.last_name, maelys.user.first_name, maelys.user.email) == ("CŒUR", "Maëlys", "")
    assert maelys.user.username == "maelys.coeur"
    assert (maelys.record.birth_name, maelys.record.siecle_id) == ("CŒURDEROY", "1001")
    assert students["070123458AD"].route == Route.APPRENTI
    assert not maelys.user.has_usable_password()
    assert User.objects.count() == users_before + 3


def test_two_divisions_make_one_class(cast, login):
    client = login(cast.teacher)
    response = choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC", "BTS2NDRC-B")
    client.post(*confirm_form(response))
    assert set(imported(cast.cohort)) == {"070123456AB", "070123457AC", "070123458AD", "070123460AF"}


def test_no_division_ticked_asks_for_one_and_changes_nothing(cast, login):
    client = login(cast.teacher)
    response = client.post(preview_url(upload(client, cast.cohort, xml_file(first_file()))), {}, follow=True)
    assert "Cochez au moins une division." in response.content.decode()
    assert not Student.objects.filter(record__isnull=False).exists()


def test_a_file_of_another_establishment_is_refused_and_nothing_is_kept(cast, login):
    response = upload(login(cast.teacher), cast.cohort, xml_file(first_file(), uaj="0750002B"))
    html = response.content.decode()
    assert (
        "Ce fichier SIECLE est celui de l&#x27;établissement 0750002B, pas de Lycée Jean Moulin (UAI 0690001A)" in html
    )
    assert not StagedImport.objects.exists()
    assert not Student.objects.filter(record__isnull=False).exists()


def test_a_malicious_entity_file_is_refused_on_the_upload_form(cast, login):
    data = (
        b'<?xml version="1.0" encoding="ISO-8859-15"?><!DOCTYPE x [<!ENTITY a "b">]>'
        b"<BEE_ELEVES><PARAMETRES><UAJ>0690001A</UAJ></PARAMETRES></BEE_ELEVES>"
    )
    response = upload(login(cast.teacher), cast.cohort, SimpleUploadedFile("eleves.xml", data))
    assert "refusé par sécurité" in response.content.decode()
    assert not StagedImport.objects.exists()


# --- A later file: only the difference, after a preview ------------------------------------------


def test_a_later_file_applies_only_the_difference_and_archives_who_left_keeping_their_work(cast, login):
    client = login(cast.teacher)
    response = choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")
    client.post(*confirm_form(response))
    students = imported(cast.cohort)
    noe = students["070123458AD"]
    activity = make_activity(noe)

    later = first_file()
    later[1].prenom = "Éloïse-Marie"  # changed first name
    later[2].sortie = "20/11/2025"  # Noé left
    later.append(Eleve("1007", "070123462AH", "ŒHLER", "Inès"))  # a newcomer
    response = upload(client, cast.cohort, xml_file(later, name="ElevesSansAdresses-janvier.xml"))
    html = response.content.decode()
    assert re.search(r'value="BTS2NDRC" id="[^"]+" checked', html)  # the class's division, ticked again
    assert "<dt>À créer</dt><dd>1</dd>" in html
    assert "<dt>À mettre à jour</dt><dd>1</dd>" in html
    assert "<dt>Inchangés</dt><dd>1</dd>" in html
    assert "<dt>Partis, à archiver</dt><dd>1</dd>" in html
    assert "prénom : Éloïse → Éloïse-Marie" in html
    assert "sorti·e de l&#x27;établissement le 20/11/2025 selon SIECLE" in html
    assert Student.objects.filter(cohort=cast.cohort, record__isnull=False).count() == 3  # nothing applied yet

    response = client.post(*confirm_form(response), follow=True)
    html = response.content.decode()
    assert "1 étudiant créé, 1 mis à jour, 1 inchangé. 1 étudiant parti archivé (leur travail est conservé)." in html
    assert "Archivé·e" in html
    noe.refresh_from_db()
    noe.record.refresh_from_db()
    noe.user.refresh_from_db()
    assert noe.record.archived_at is not None
    assert noe.user.is_active is False
    assert Activity.objects.filter(pk=activity.pk, student=noe).exists()
    assert imported(cast.cohort)["070123457AC"].user.first_name == "Éloïse-Marie"
    assert imported(cast.cohort)["070123462AH"].user.last_name == "ŒHLER"
    entry = AuditEntry.objects.filter(action="students.imported").latest("pk")
    assert entry.changes["archived"] == 1
    assert entry.changes["archived_students"][0]["student_id"] == noe.pk


def test_a_student_who_moved_to_another_division_is_archived_with_the_reason(cast, login):
    client = login(cast.teacher)
    client.post(*confirm_form(choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")))
    later = first_file()
    later[0].divisions = ["BTS2NDRC-B"]
    response = upload(client, cast.cohort, xml_file(later))
    assert "inscrit·e en BTS2NDRC-B selon le nouveau fichier SIECLE" in response.content.decode()


def test_an_archived_student_named_again_comes_back(cast, login):
    client = login(cast.teacher)
    client.post(*confirm_form(choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")))
    gone = first_file()
    gone[2].divisions = ["BTS1NDRC"]
    client.post(*confirm_form(upload(client, cast.cohort, xml_file(gone))))
    noe = imported(cast.cohort)["070123458AD"]
    assert noe.record.archived_at is not None

    response = upload(client, cast.cohort, xml_file(first_file()))
    assert "de retour dans le fichier : sort des archives" in response.content.decode()
    client.post(*confirm_form(response))
    noe = imported(cast.cohort)["070123458AD"]
    assert noe.record.archived_at is None
    assert noe.user.is_active is True


def test_students_entered_by_hand_are_matched_by_name_and_never_archived(cast, login):
    """A class imported from a spreadsheet before: its students get their INE, and the others are left alone."""
    hand = make_student("eloise", "Éloïse", "Lefèvre", cast.cohort)
    client = login(cast.teacher)
    response = choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")
    html = response.content.decode()
    assert "<dt>À créer</dt><dd>2</dd>" in html
    assert "nom : Lefèvre → LEFÈVRE" in html and "INE : — → 070123457AC" in html
    assert "<dt>Partis, à archiver</dt><dd>0</dd>" in html
    client.post(*confirm_form(response))
    hand.refresh_from_db()
    assert hand.record.ine == "070123457AC"
    assert Student.objects.filter(pk=cast.student.pk, record__isnull=True).exists()


def test_a_student_of_a_class_the_teacher_does_not_teach_is_refused_not_moved(cast, login):
    nina = make_student("nina", "Nina", "Simon", cast.first_year)
    StudentRecord.objects.create(student=nina, ine="070123457AC", siecle_id="1002")
    client = login(cast.teacher)
    response = choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")
    assert "Nina SIMON est inscrit·e dans la classe « NDRC 1 », que vous n&#x27;enseignez pas" in (
        response.content.decode()
    )
    client.post(*confirm_form(response))
    nina.refresh_from_db()
    assert nina.cohort == cast.first_year


def test_an_ine_of_another_establishment_blocks_the_line(cast, login):
    StudentRecord.objects.create(student=cast.other_student, ine="070123457AC")
    client = login(cast.admin)
    response = choose(client, upload(client, cast.cohort, xml_file(first_file())), "BTS2NDRC")
    html = response.content.decode()
    assert "INE « 070123457AC » déjà utilisé par un autre étudiant" in html
    assert "/confirmer/" not in html
