MATCH (r:Rep)
RETURN collect(r {.*}) AS rows
