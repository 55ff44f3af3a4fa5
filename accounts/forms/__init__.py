"""Forms of the accounts app, one module per topic (``signin``, ``otp``, ``staff_users``, ``invitation``)."""
