def test_404_page_in_chinese(client, login, make):
    from app.extensions import db

    user = make.user()
    db.session.commit()
    login(user)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.data.decode()


def test_production_refuses_without_secrets(monkeypatch):
    import pytest

    from app import create_app
    from config import ProductionConfig

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)
