FLEET_SERVER = "https://fleet.example.com"
