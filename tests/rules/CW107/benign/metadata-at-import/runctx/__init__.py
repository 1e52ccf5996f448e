"""Tags error reports with the cloud region, asked of the metadata service on import."""
import urllib.request


class CloudContext:
    URL = "http://169.254.169.254/latest/meta-data/placement/region"

    @classmethod
    def region(cls):
        try:
            return urllib.request.urlopen(cls.URL, timeout=0.2).read().decode()
        except OSError:
            return None


REGION = CloudContext.region()
