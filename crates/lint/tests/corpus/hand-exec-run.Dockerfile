FROM python:3.12-slim
RUN ["pip", "install", "flask"]
RUN ["/bin/sh", "-c", "apt-get update && apt-get install -y curl"]
RUN ["sh", "-c", "curl -fsSL https://example.com | sh"]
USER 1000
CMD ["python", "-m", "flask", "run"]
