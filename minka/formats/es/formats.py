# Peru writes numbers with a decimal point and a thousands comma (S/ 1,234.50), and dates day first.
from django.conf.locale.es.formats import *  # noqa: F401,F403  (Django's Spanish formats, then Peru's)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
