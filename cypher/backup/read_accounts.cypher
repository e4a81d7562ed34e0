MATCH (a:Account)
RETURN collect(a {.*}) AS rows
