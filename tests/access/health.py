from tests.access import ADMIN_ONLY, Row, everyone

ROWS = {
    # The probe answers everyone alike, without login (health/tests/test_sante.py checks it sets no cookie).
    "health:sante": [Row(everyone(200))],
    "health:failed_tasks": [Row(ADMIN_ONLY)],
}
