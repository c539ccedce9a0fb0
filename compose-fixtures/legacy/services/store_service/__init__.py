"""Store service: the trading hut (seeds, compost, tools), baskets and orders."""
