"""Views of the accounts app, one module per topic: signing in and out, the password reset and the
account's home (``signin``), the second factor (``otp``), the platform's staff and their roles
(``staff_users``), the mailed invitation link (``invitation``)."""
