MATCH (r:Rep)
WHERE $territory IS NULL OR r.territory = $territory
WITH r ORDER BY r.name_ord, r.id_ord
WITH collect(r) AS matched
RETURN size(matched) AS total,
       [x IN matched[$offset..$offset + $limit] | properties(x)] AS items
