"""Code run inside a throwaway installation (``Install.python``): seed it, write and delete evidence through the
services as users would, and check that every evidence row's file is there with the digest taken at upload."""

SEED = """
import json
from tests.factories import make_activity
from tests.personas import build_cast
cast = build_cast()
students = [cast.student, cast.student2] * 2
activities = [make_activity(student, title=f"Activité {n}") for n, student in enumerate(students)]
print(json.dumps([activity.pk for activity in activities]))
"""

# Adds evidence with unique bytes and deletes about one in two, for WRITER_SECONDS, on activity WRITER_ACTIVITY;
# writes one JSON line per event to WRITER_LOG: {"event": "added"|"deleted", "name", "sha256", "at"}.
WRITER = """
import hashlib, json, os, random, secrets, time
from django.core.files.uploadedfile import SimpleUploadedFile
from passeport.models import Activity, Evidence
from passeport.services.evidence import add_evidence, delete_evidence
from passeport.tests.evidence_samples import PDF_BYTES

activity = Activity.objects.select_related("student__user").get(pk=int(os.environ["WRITER_ACTIVITY"]))
author = activity.student.user
end = time.monotonic() + float(os.environ["WRITER_SECONDS"])
rng = random.Random(activity.pk)
log = open(os.environ["WRITER_LOG"], "a")
while time.monotonic() < end:
    content = PDF_BYTES + b"%" + secrets.token_hex(2000).encode() + b"\\n"
    upload = SimpleUploadedFile("preuve.pdf", content, content_type="application/pdf")
    evidence = add_evidence(activity=activity, uploaded_file=upload, actor=author)
    print(json.dumps({"event": "added", "name": evidence.file.name, "sha256": hashlib.sha256(content).hexdigest(),
                      "at": time.time()}), file=log, flush=True)
    mine = list(Evidence.objects.filter(activity=activity))
    if len(mine) > 2 and rng.random() < 0.5:
        gone = rng.choice(mine)
        delete_evidence(evidence=gone, actor=author)
        print(json.dumps({"event": "deleted", "name": gone.file.name, "at": time.time()}), file=log, flush=True)
    time.sleep(0.02)
"""

CHECK = """
import hashlib, json
from django.core.files.storage import default_storage
from passeport.models import Evidence
rows = list(Evidence.objects.order_by("pk").values_list("file", "sha256"))
problems = []
for name, sha256 in rows:
    if not default_storage.exists(name):
        problems.append([name, "absent"])
        continue
    with default_storage.open(name, "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != sha256:
            problems.append([name, "contenu différent"])
print(json.dumps({"rows": {name: sha256 for name, sha256 in rows}, "problems": problems}))
"""

ADD_ONE = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from passeport.models import Activity
from passeport.services.evidence import add_evidence
from passeport.tests.evidence_samples import PDF_BYTES
activity = Activity.objects.select_related("student__user").order_by("pk").first()
upload = SimpleUploadedFile("tardive.pdf", PDF_BYTES + b"%tardive\\n", content_type="application/pdf")
print(json.dumps(add_evidence(activity=activity, uploaded_file=upload, actor=activity.student.user).file.name))
"""

DELETE_ONE = """
from passeport.models import Evidence
from passeport.services.evidence import delete_evidence
evidence = Evidence.objects.select_related("activity__student__user").order_by("pk").first()
delete_evidence(evidence=evidence, actor=evidence.activity.student.user)
print(evidence.file.name)
"""
