FROM python:3.12
RUN pip install --no-cache-dir .
RUN pip install --no-cache-dir -e .
RUN pip install --no-cache-dir git+https://github.com/org/repo.git@v1.2.3
RUN pip install --no-cache-dir git+https://github.com/org/repo.git
RUN pip install --no-cache-dir ./dist/app-1.0-py3-none-any.whl
RUN pip install --no-cache-dir -c constraints.txt requests
RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple mylib
RUN pip install --no-cache-dir "django>=4.2,<5"
RUN pipenv install --system --deploy
RUN pipx install poetry==1.8.2
RUN PIP_NO_CACHE_DIR=1 pip install uvicorn==0.29.0

FROM python:3.12-slim
ENV PIP_NO_CACHE_DIR=true
RUN pip install fastapi==0.110.0
USER 1000
