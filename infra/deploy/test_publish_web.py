"""Unit tests of publish_web's choices (run by `make test`; the upload itself needs AWS)."""

import unittest

import publish_web


class PublishWebTest(unittest.TestCase):
    def test_entry_files_are_revalidated_and_hashed_assets_cached_for_a_year(self):
        self.assertEqual(publish_web.cache_control("index.html"), "no-cache")
        self.assertEqual(publish_web.cache_control("config.json"), "no-cache")
        self.assertIn("immutable", publish_web.cache_control("assets/index-3f9a1c.js"))
        self.assertNotIn("immutable", publish_web.cache_control("favicon.svg"))

    def test_content_types_name_their_charset(self):
        self.assertEqual(publish_web.content_type("assets/a.js"), "text/javascript; charset=utf-8")
        self.assertEqual(publish_web.content_type("index.html"), "text/html; charset=utf-8")
        self.assertEqual(publish_web.content_type("config.json"), "application/json; charset=utf-8")
        self.assertEqual(publish_web.content_type("logo.png"), "image/png")

    def test_the_runtime_config_comes_from_the_stack(self):
        config = publish_web.runtime_config(
            {"ApiUrl": "https://x.execute-api.eu-west-1.amazonaws.com/v1",
             "UserPoolId": "eu-west-1_abc", "UserPoolClientId": "client"},
            {"PracticeTimeZone": "Europe/Dublin"},
        )
        self.assertEqual(config, {
            "apiUrl": "https://x.execute-api.eu-west-1.amazonaws.com/v1",
            "userPoolId": "eu-west-1_abc",
            "clientId": "client",
            "practiceTimeZone": "Europe/Dublin",
        })


if __name__ == "__main__":
    unittest.main()
