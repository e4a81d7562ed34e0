MATCH (d:Deal)
RETURN collect(d {.*}) AS rows
