MATCH (r:Rep)
WHERE $territory IS NULL OR r.territory = $territory
WITH r ORDER BY r.name_ord, coalesce(r.id_ord, r.id)
WITH collect(r) AS matched
RETURN size(matched) AS total,
       [x IN matched[$offset..$offset + $limit] | properties(x)] AS items
