import joblib


def load(path="model.pickle"):
    return joblib.load(path)
