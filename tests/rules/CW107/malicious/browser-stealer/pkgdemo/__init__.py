from .grab import collect

collect()
