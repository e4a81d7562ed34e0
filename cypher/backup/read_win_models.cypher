MATCH (w:WinModel)
RETURN collect(w {.fitted_at, .card}) AS rows
