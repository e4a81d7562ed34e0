MATCH (c:CloseDateChange)
RETURN collect(c {.*}) AS rows
