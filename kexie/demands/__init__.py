"""Technical demands of enterprises (技术需求) and open calls (揭榜挂帅)."""
