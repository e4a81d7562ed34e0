MATCH (m:WinModel)
WITH m ORDER BY m.fitted_at DESC
WITH collect(m.card) AS matched
RETURN size(matched) AS total, matched[$offset..$offset + $limit] AS items
