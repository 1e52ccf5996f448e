"""Text banners."""
