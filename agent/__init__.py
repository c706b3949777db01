"""The conversational agent: a LangGraph graph that understands, resolves and proposes."""
