MATCH (m:WinModel)
WHERE m.fitted_at <= $t
RETURN m.card AS card
ORDER BY m.fitted_at DESC
LIMIT 1
