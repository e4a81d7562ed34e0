# The graphcrm image used by docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphcrm ./graphcrm
COPY cypher ./cypher
RUN pip install --no-cache-dir .
ENTRYPOINT ["graphcrm"]
CMD ["--help"]
