CHANNEL = "https://discord.com/api/webhooks/1029384756/Zq8xV2mN4bT7yR1pL6kW9sD3fG5hJ0cA"
