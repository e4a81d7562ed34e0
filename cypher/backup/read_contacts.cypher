MATCH (c:Contact)
RETURN collect(c {.*}) AS rows
