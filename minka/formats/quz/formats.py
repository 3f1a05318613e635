from minka.formats.es.formats import *  # noqa: F401,F403  (Quechua pages in Peru read numbers as Spanish ones)
