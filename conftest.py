import os

# Playwright runs an event loop in the test thread; Django's ORM refuses to run
# there unless told it is safe (it is: tests are single-threaded).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
