from backoffice.tests.api.fixtures import *  # noqa: F403
