# Production image: gunicorn serving Claimscope, static files served by whitenoise.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# WeasyPrint renders the PDF reports through Pango and HarfBuzz.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY annotator ./annotator
COPY claims ./claims
COPY templates ./templates
COPY manage.py ./
RUN pip install . && useradd --system --home /app claimscope \
    && mkdir -p /srv/claimscope/media /srv/claimscope/static \
    && chown -R claimscope /srv/claimscope

ENV STATIC_ROOT=/srv/claimscope/static MEDIA_ROOT=/srv/claimscope/media
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

USER claimscope
EXPOSE 8000
CMD ["gunicorn", "-c", "annotator/gunicorn.conf.py", "annotator.wsgi:application"]
