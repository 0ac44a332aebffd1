"""Password reset emails are written by a background task: the page answers after the same work whether or not the
address belongs to an account (no timing oracle), and the request never waits on rendering or on the outbox."""

from django_tasks import task


@task()
def send_password_reset(email: str, domain: str, site_name: str, use_https: bool) -> int:
    """Write the reset email of every account of ``email`` (none for an unknown address); returns how many."""
    from accounts.forms import OutboxPasswordResetForm

    form = OutboxPasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(email))
    form.send_reset_emails(domain=domain, site_name=site_name, use_https=use_https)
    return len(users)
